import CretoScaleCLI

CretoScale.main()

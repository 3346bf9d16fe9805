// The hints are inline functions of the header; this file gives the target a source.
#include "CacheHints.h"

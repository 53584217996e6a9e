#include "tests/core/test_util.h"

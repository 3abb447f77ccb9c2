#include "core_test.h"
int run_policy_tests(void) { return 0; }
int run_policy_failed_tests(void) { return 0; }

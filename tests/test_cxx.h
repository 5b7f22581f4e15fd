/* The two halves of the C++ suite: C++ headers before posixipc's, and after them. */
#ifndef POSIXIPC_TEST_CXX_H
#define POSIXIPC_TEST_CXX_H

#include <check.h>

void add_before_tests(Suite *s);
void add_after_tests(Suite *s);

#endif

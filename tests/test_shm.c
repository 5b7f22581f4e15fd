/* Placeholder suite until the shm facility lands. */
#include "testutil.h"

START_TEST(shm_suite_builds)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shm");
	TCase *tc = tcase_create("placeholder");

	tcase_add_test(tc, shm_suite_builds);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

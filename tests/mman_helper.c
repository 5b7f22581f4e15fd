/* Placeholder helper until the mman facility lands. */
int main(void)
{
	return 0;
}

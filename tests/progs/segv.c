/* Writes through a null pointer: verdict RT, signal SIGSEGV. */
int main(void)
{
	volatile int *p = (volatile int *)0;
	*p = 1;
	return 0;
}

/* Spins forever in user space: CPU TL. */
int main(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
}

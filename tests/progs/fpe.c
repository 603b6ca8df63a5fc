/* Integer division by zero: verdict RT, signal SIGFPE. */
int main(void)
{
	volatile int a = 1, b = 0;
	volatile int c = a / b;
	(void)c;
	return 0;
}

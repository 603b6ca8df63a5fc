/* abort(): verdict RT, signal SIGABRT. */
#include <stdlib.h>

int main(void)
{
	abort();
}

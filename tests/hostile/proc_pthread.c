/* pthread_create(): clone3 gets ENOSYS, glibc falls back to clone: RF. */
#include "hostile.h"
#include <pthread.h>
static void *run(void *arg)
{
	return arg;
}
int main(void)
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, run, NULL);
	if (rc == 0)
		escaped("pthread_create succeeded");
	escaped("pthread_create returned %d without a kill", rc);
}

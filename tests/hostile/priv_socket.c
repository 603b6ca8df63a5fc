/* socket(AF_INET, SOCK_STREAM). RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <sys/socket.h>
int main(void)
{
	MUST_NOT_RETURN(socket(AF_INET, SOCK_STREAM, 0));
}

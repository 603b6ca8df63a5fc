/*
 * Looks its own user up the way a C or C++ program does (getpwuid, which
 * goes through glibc's NSS: files, then systemd's module on hosts that
 * list it): "name NAME", or "no name" when no database knows the uid (a
 * run slot's). Exit status 0.
 */
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw)
		printf("name %s\n", pw->pw_name);
	else
		printf("no name\n");
	return 0;
}

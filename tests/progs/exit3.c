/* Exits with status 3: verdict AT, exit_code 3. */
int main(void)
{
	return 3;
}

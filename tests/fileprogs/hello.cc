// The matrix's C++ program (tests/check_files.cc): "hello" prints a line
// with iostream; "fileio" reads numbers from in.txt with ifstream, sorts
// them, writes their sum to out.txt and to stdout.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
	if (argc < 2 || std::string(argv[1]) != "fileio") {
		std::cout << "hello from C++" << std::endl;
		return 0;
	}
	std::ifstream in("in.txt");
	if (!in)
		return 3;
	std::vector<long> v;
	for (long x; in >> x;)
		v.push_back(x);
	std::sort(v.begin(), v.end());
	std::map<long, int> seen;
	long sum = 0;
	for (long x : v) {
		sum += x;
		seen[x]++;
	}
	std::ofstream out("out.txt");
	out << sum << "\n";
	out.close();
	if (!out)
		return 4;
	std::cout << "sum " << sum << " distinct " << seen.size() << std::endl;
	return 0;
}

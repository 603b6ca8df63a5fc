// C++ std::thread: N threads sum a range each; prints the total.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

int main(int argc, char **argv)
{
	int n = argc > 1 ? std::atoi(argv[1]) : 4;
	std::vector<std::uint64_t> part(n);
	std::vector<std::thread> t;
	for (int k = 0; k < n; k++)
		t.emplace_back([&part, k] {
			std::uint64_t s = 0;
			for (std::uint64_t i = k * 1000000ull; i < (k + 1) * 1000000ull; i++)
				s += i;
			part[k] = s;
		});
	std::uint64_t total = 0;
	for (int k = 0; k < n; k++) {
		t[k].join();
		total += part[k];
	}
	std::cout << total << std::endl;
}

// A sample C++ solution with threads: read N, then N integers; print
// their sum, added up by two std::threads (docs/POLICIES.md, "threads").
#include <iostream>
#include <thread>
#include <vector>

int main()
{
	long long n;
	if (!(std::cin >> n) || n < 0)
		return 1;
	std::vector<long long> x(n);
	for (auto &v : x)
		if (!(std::cin >> v))
			return 1;
	long long half[2] = { 0, 0 };
	auto add = [&](int k) {
		for (long long i = k; i < n; i += 2)
			half[k] += x[i];
	};
	std::thread a(add, 0), b(add, 1);
	a.join();
	b.join();
	std::cout << half[0] + half[1] << "\n";
}

// A sample Go solution: read N, then N integers; print their sum
// (docs/POLICIES.md, "go").
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n, x, sum int64
	if _, err := fmt.Fscan(in, &n); err != nil {
		os.Exit(1)
	}
	for i := int64(0); i < n; i++ {
		if _, err := fmt.Fscan(in, &x); err != nil {
			os.Exit(1)
		}
		sum += x
	}
	fmt.Println(sum)
}

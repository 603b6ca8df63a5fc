// One behaviour per argument, for tests/threads/check_runtimes (the "go"
// policy):
//   hello       prints "hello go"
//   sum N       N goroutines sum a range each; prints the total
//   spin        loops forever on every CPU (TL)
//   alloc MB    keeps MB MiB of slices, touched; prints "kept MB"
//   exec        runs /bin/true as a process (RF)
//   echo        copies stdin to stdout
//   read        tries to read each file named on a line of stdin: "held
//               P" or "read P: TEXT"
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

var sink uint64

func main() {
	what := ""
	if len(os.Args) > 1 {
		what = os.Args[1]
	}
	switch what {
	case "hello":
		fmt.Println("hello go")
	case "sum":
		n, _ := strconv.Atoi(os.Args[2])
		part := make([]uint64, n)
		var wg sync.WaitGroup
		for k := 0; k < n; k++ {
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				var s uint64
				for i := uint64(k) * 1000000; i < uint64(k+1)*1000000; i++ {
					s += i
				}
				part[k] = s
			}(k)
		}
		wg.Wait()
		var total uint64
		for _, s := range part {
			total += s
		}
		fmt.Println(total)
	case "spin":
		for i := 1; i < runtime.NumCPU(); i++ {
			go func() {
				for {
					sink++
				}
			}()
		}
		for {
			sink++
		}
	case "alloc":
		mb, _ := strconv.Atoi(os.Args[2])
		var keep [][]byte
		for i := 0; i < mb; i++ {
			b := make([]byte, 1<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			keep = append(keep, b)
		}
		fmt.Println("kept", len(keep))
	case "exec":
		cmd := exec.Command("/bin/true")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		err := cmd.Run()
		fmt.Println("exec ran", err)
	case "echo":
		w := bufio.NewWriter(os.Stdout)
		io.Copy(w, bufio.NewReader(os.Stdin))
		w.Flush()
	case "read":
		lines := bufio.NewScanner(os.Stdin)
		for lines.Scan() {
			p := lines.Text()
			b, err := os.ReadFile(p)
			if err != nil {
				fmt.Println("held " + p)
				continue
			}
			if len(b) > 64 {
				b = b[:64]
			}
			fmt.Printf("read %s: %s\n", p, strings.TrimSpace(string(b)))
		}
	default:
		os.Exit(2)
	}
}

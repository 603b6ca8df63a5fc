// One behaviour per argument, for tests/threads/check_runtimes (the
// "java" policy):
//   hello       prints "hello java"
//   sum N       N threads sum a range each; prints the total
//   spin        loops forever (TL)
//   alloc MB    keeps MB MiB of arrays, touched; prints "kept MB"
//   exec        starts /bin/true as a process (RF)
//   socket      opens a TCP socket (RF: no network)
import java.util.ArrayList;

public class Tasks {
	static volatile long sink;

	public static void main(String[] args) throws Exception {
		String what = args.length > 0 ? args[0] : "";
		switch (what) {
		case "hello":
			System.out.println("hello java");
			break;
		case "sum": {
			int n = Integer.parseInt(args[1]);
			long[] part = new long[n];
			Thread[] t = new Thread[n];
			for (int k = 0; k < n; k++) {
				final int kk = k;
				t[k] = new Thread(() -> {
					long s = 0;
					for (long i = kk * 1000000L; i < (kk + 1) * 1000000L; i++)
						s += i;
					part[kk] = s;
				});
				t[k].start();
			}
			long total = 0;
			for (int k = 0; k < n; k++) {
				t[k].join();
				total += part[k];
			}
			System.out.println(total);
			break;
		}
		case "spin":
			for (long i = 0;; i++)
				sink = i;
		case "alloc": {
			int mb = Integer.parseInt(args[1]);
			ArrayList<byte[]> keep = new ArrayList<>();
			for (int i = 0; i < mb; i++) {
				byte[] b = new byte[1 << 20];
				for (int j = 0; j < b.length; j += 4096)
					b[j] = 1;
				keep.add(b);
			}
			System.out.println("kept " + keep.size());
			break;
		}
		case "exec":
			new ProcessBuilder("/bin/true").start().waitFor();
			System.out.println("exec ran");
			break;
		case "socket":
			new java.net.Socket("127.0.0.1", 9);
			System.out.println("socket opened");
			break;
		default:
			System.exit(2);
		}
	}
}

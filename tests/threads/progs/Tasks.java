// One behaviour per argument, for tests/threads/check_runtimes (the
// "java" policy):
//   hello       prints "hello java"
//   sum N       N threads sum a range each; prints the total
//   spin        loops forever (TL)
//   alloc MB    keeps MB MiB of arrays, touched; prints "kept MB"
//   exec        starts /bin/true as a process (RF)
//   socket      opens a TCP socket (RF: no network)
//   read        tries to read each file named on a line of stdin: "held
//               P" or "read P: TEXT" (not arguments: the policy lets the
//               program read every file its arguments name)
//   scanner     sums N then N integers from stdin (java.util.Scanner)
//   reader      the same with BufferedReader and StringTokenizer
//   nio-lines F the same from file F with java.nio.file.Files.readAllLines
//   nio-reader F            ... with Files.newBufferedReader
//   nio-channel the same from stdin through its FileChannel
//               (FileInputStream(FileDescriptor.in).getChannel())
//   (java.nio's file channels start the JDK's file dispatcher, which
//   makes a socketpair: RF under "java" before stop 26)
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Scanner;
import java.util.StringTokenizer;

public class Tasks {
	static volatile long sink;

	// N, then N integers, in whitespace-separated text: their sum.
	static long sumOfCounted(Iterable<String> lines) {
		long total = 0;
		int n = -1;
		for (String line : lines)
			for (String t : line.trim().split("\\s+")) {
				if (t.isEmpty())
					continue;
				long v = Long.parseLong(t);
				if (n < 0)
					n = (int)v;
				else
					total += v;
			}
		return total;
	}

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
		case "read": {
			BufferedReader in = new BufferedReader(
			    new InputStreamReader(System.in));
			for (String p; (p = in.readLine()) != null;) {
				try (FileInputStream f = new FileInputStream(p)) {
					byte[] b = new byte[64];
					int n = f.read(b);
					System.out.println("read " + p + ": " +
					    new String(b, 0, Math.max(n, 0)).trim());
				} catch (Exception e) {
					System.out.println("held " + p);
				}
			}
			break;
		}
		case "scanner": {
			Scanner in = new Scanner(System.in);
			int n = in.nextInt();
			long total = 0;
			for (int k = 0; k < n; k++)
				total += in.nextLong();
			System.out.println(total);
			break;
		}
		case "reader": {
			BufferedReader in = new BufferedReader(
			    new InputStreamReader(System.in));
			StringTokenizer tok = new StringTokenizer("");
			long total = 0;
			int n = -1;
			for (String line; (line = in.readLine()) != null;) {
				tok = new StringTokenizer(line);
				while (tok.hasMoreTokens()) {
					long v = Long.parseLong(tok.nextToken());
					if (n < 0)
						n = (int)v;
					else
						total += v;
				}
			}
			System.out.println(total);
			break;
		}
		case "nio-lines":
			System.out.println(sumOfCounted(
			    Files.readAllLines(Path.of(args[1]))));
			break;
		case "nio-reader": {
			ArrayList<String> lines = new ArrayList<>();
			try (BufferedReader in = Files.newBufferedReader(
			         Path.of(args[1]))) {
				for (String line; (line = in.readLine()) != null;)
					lines.add(line);
			}
			System.out.println(sumOfCounted(lines));
			break;
		}
		case "nio-channel": {
			FileChannel ch = new FileInputStream(FileDescriptor.in)
			    .getChannel();
			ByteBuffer b = ByteBuffer.allocate(1 << 16);
			while (ch.read(b) > 0)
				;
			String text = new String(b.array(), 0, b.position(),
			    StandardCharsets.US_ASCII);
			System.out.println(sumOfCounted(
			    java.util.Arrays.asList(text.split("\n"))));
			break;
		}
		default:
			System.exit(2);
		}
	}
}

// A sample Java solution: read N, then N integers; print their sum
// (docs/POLICIES.md, "java").
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
	public static void main(String[] args) throws Exception {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
		StringBuilder all = new StringBuilder();
		for (String line; (line = in.readLine()) != null;)
			all.append(line).append(' ');
		StringTokenizer t = new StringTokenizer(all.toString());
		long n = Long.parseLong(t.nextToken()), sum = 0;
		for (long i = 0; i < n; i++)
			sum += Long.parseLong(t.nextToken());
		System.out.println(sum);
	}
}

// One behaviour per argument, for tests/threads/check_runtimes (the
// "node" policy):
//   hello       prints "hello node"
//   sum N       N worker threads sum a range each; prints the total
//   spin        loops forever (TL)
//   alloc MB    keeps MB MiB of buffers, touched; prints "kept MB"
//   exec        runs /bin/true as a process (RF)
'use strict';
const what = process.argv[2] || '';
if (what === 'hello') {
	console.log('hello node');
} else if (what === 'sum') {
	const { Worker } = require('worker_threads');
	const n = Number(process.argv[3]);
	let total = 0n, done = 0;
	for (let k = 0; k < n; k++) {
		const w = new Worker(`
			const { parentPort, workerData: k } = require('worker_threads');
			let s = 0n;
			for (let i = BigInt(k) * 1000000n; i < BigInt(k + 1) * 1000000n; i++)
				s += i;
			parentPort.postMessage(s);`, { eval: true, workerData: k });
		w.on('message', (s) => {
			total += s;
			if (++done === n)
				console.log(total.toString());
		});
	}
} else if (what === 'spin') {
	for (let i = 0; ; i++)
		;
} else if (what === 'alloc') {
	const keep = [];
	for (let i = 0; i < Number(process.argv[3]); i++)
		keep.push(Buffer.alloc(1 << 20, 1));
	console.log('kept ' + keep.length);
} else if (what === 'exec') {
	require('child_process').execFileSync('/bin/true');
	console.log('exec ran');
} else {
	process.exit(2);
}

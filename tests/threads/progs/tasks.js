// One behaviour per argument, for tests/threads/check_runtimes (the
// "node" policy):
//   hello       prints "hello node"
//   sum N       N worker threads sum a range each; prints the total
//   spin        loops forever (TL)
//   alloc MB    keeps MB MiB of buffers, touched; prints "kept MB"
//   exec        runs /bin/true as a process (RF)
//   read        tries to read each file named on a line of stdin: "held
//               P" or "read P: TEXT" (not arguments: the policy lets the
//               program read every file its arguments name)
//   readline    sums N then N integers from stdin (readline)
//   fd0         the same with fs.readFileSync(0)
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
} else if (what === 'read') {
	const fs = require('fs');
	const paths = fs.readFileSync(0, 'latin1').split('\n').filter(Boolean);
	for (const p of paths) {
		try {
			const t = fs.readFileSync(p, 'latin1').slice(0, 64).trim();
			console.log('read ' + p + ': ' + t);
		} catch (e) {
			console.log('held ' + p);
		}
	}
} else if (what === 'readline') {
	const rl = require('readline').createInterface({ input: process.stdin });
	const v = [];
	rl.on('line', (l) => v.push(...l.split(/\s+/).filter(Boolean).map(BigInt)));
	rl.on('close', () => console.log(v.slice(1).reduce((a, b) => a + b, 0n).toString()));
} else if (what === 'fd0') {
	const v = require('fs').readFileSync(0, 'utf8').split(/\s+/)
		.filter(Boolean).map(BigInt);
	console.log(v.slice(1).reduce((a, b) => a + b, 0n).toString());
} else {
	process.exit(2);
}

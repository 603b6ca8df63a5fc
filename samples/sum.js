// A sample JavaScript solution: read N, then N integers; print their sum
// (docs/POLICIES.md, "node").
'use strict';
const w = require('fs').readFileSync(0, 'utf8').split(/\s+/).filter(Boolean)
	.map(BigInt);
console.log(w.slice(1, 1 + Number(w[0])).reduce((a, b) => a + b, 0n).toString());

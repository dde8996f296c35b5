// Checks for the greeter, runnable with plain node (no test framework to install).
'use strict';
const assert = require('node:assert/strict');
const { greet } = require('./index.js');

assert.equal(greet('Ada'), 'Hello, Ada!');
assert.equal(greet('  Linus '), 'Hello, Linus!');
assert.equal(greet(), 'Hello, world!');
console.log('greeter: 3 checks passed');

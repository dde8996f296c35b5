// Checks for the greeter, with node's built-in test runner (nothing to install); `node --test` finds test/ too.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { greet } = require('./index.js');

test('greets by name', () => assert.equal(greet('Ada'), 'Hello, Ada!'));
test('trims the name', () => assert.equal(greet('  Linus '), 'Hello, Linus!'));
test('greets the world without a name', () => assert.equal(greet(), 'Hello, world!'));

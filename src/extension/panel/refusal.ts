// A request the panel host refuses, with the reply code the webview shows; anything else thrown is a plain failure.

import type { ReplyError } from '../../shared/protocol';

export class Refusal extends Error {
  constructor(
    readonly code: ReplyError['code'],
    message: string,
  ) {
    super(message);
  }
}

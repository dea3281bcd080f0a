'use strict';

/**
 * Splits a byte stream into lines (PROTOCOL.md section 1): each frame ends with \n, a \r right
 * before it is dropped. Bytes are decoded as UTF-8 only once a line is complete, so a character
 * split across two TCP chunks is read whole.
 */
class LineSplitter {
  constructor() {
    this.parts = [];
  }

  /** Adds a chunk; returns the lines it completed, in order. */
  push(chunk) {
    const lines = [];
    let start = 0;
    let nl = chunk.indexOf(0x0a, start);
    while (nl !== -1) {
      let line;
      if (this.parts.length > 0) {
        this.parts.push(chunk.subarray(start, nl));
        line = Buffer.concat(this.parts);
        this.parts = [];
      } else {
        line = chunk.subarray(start, nl);
      }
      let end = line.length;
      if (end > 0 && line[end - 1] === 0x0d) end -= 1;
      lines.push(line.toString('utf8', 0, end));
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) this.parts.push(chunk.subarray(start));
    return lines;
  }

  /** Bytes received after the last complete line. */
  get pending() {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
}

module.exports = { LineSplitter };

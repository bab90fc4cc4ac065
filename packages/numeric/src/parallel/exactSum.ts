/**
 * Exact summation of doubles, correctly rounded once at the end (Shewchuk 1997, "Adaptive
 * precision floating-point arithmetic and fast robust geometric predicates"; the algorithm of
 * Python's math.fsum): the running sum is kept as a list of non-overlapping doubles whose exact
 * sum is the exact sum of everything added, each `add` being a chain of error-free TwoSum steps.
 *
 * Why it is used: the result is the correctly rounded value of the exact sum, so it does not
 * depend on the order of the additions or on how they are grouped. T1 and T2 are exact sums of
 * per-sample (per-row) contributions, so one process, any number of threads and any split into
 * shards (`hsr bound --shard I/K` then `hsr reduce`) give the same bits: a shard writes its
 * components, the reduce merges them exactly and rounds once.
 *
 * Cost O(k) per add with k components (k is 1-3 in practice). Non-finite inputs propagate as in
 * ordinary addition (inf + -inf = NaN); an intermediate overflow of finite inputs gives the
 * infinity ordinary addition would give.
 */
export class ExactSum {
  private readonly partials: number[] = [];
  private special = 0;

  /** Add one double exactly. */
  add(value: number): this {
    if (!Number.isFinite(value)) {
      this.special += value;
      return this;
    }
    let x = value;
    const p = this.partials;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      if (!Number.isFinite(hi)) {
        this.special += hi;
        return this;
      }
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p.length = i;
    p.push(x);
    return this;
  }

  /** Add every element of an array (or the components of another exact sum). */
  addAll(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.add(values[i]!);
    return this;
  }

  /** The components: doubles whose exact sum is the exact sum so far (for writing a shard's partial). */
  components(): number[] {
    return this.special !== 0 || Number.isNaN(this.special) ? [this.special] : this.partials.slice();
  }

  /** The exact sum, correctly rounded to the nearest double (ties to even). */
  value(): number {
    if (this.special !== 0 || Number.isNaN(this.special)) return this.special;
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    // Half-way case: the rounding of hi + lo went the wrong way if the next component has lo's sign.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

/** The correctly rounded exact sum of `values` (order-independent). */
export function exactSum(values: ArrayLike<number>): number {
  return new ExactSum().addAll(values).value();
}

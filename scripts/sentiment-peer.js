// Scores one text per stdin line with an npm sentiment package, printing
// `score<TAB>label` per line like `earshot score`, so `make eval` and
// `make bench-sentiment` can set the peers beside earshot.
//   node scripts/sentiment-peer.js MODULES_DIR vader|afinn
// vader: vader-sentiment's compound; afinn: the `sentiment` package's
// comparative score (its AFINN sum over the word count).
'use strict';
const path = require('path');
const [dir, which] = process.argv.slice(2);
if (!dir || !['vader', 'afinn'].includes(which)) {
  process.stderr.write('usage: sentiment-peer.js MODULES_DIR vader|afinn\n');
  process.exit(2);
}
const need = (m) => require(path.resolve(dir, 'node_modules', m));
let score;
if (which === 'vader') {
  const analyzer = need('vader-sentiment').SentimentIntensityAnalyzer;
  score = (t) => analyzer.polarity_scores(t).compound;
} else {
  const s = new (need('sentiment'))();
  score = (t) => s.analyze(t).comparative;
}
const label = (c) => (c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const out = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const c = score(lines[i].replace(/\r$/, ''));
    out[i] = c.toFixed(4) + '\t' + label(c);
  }
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
});

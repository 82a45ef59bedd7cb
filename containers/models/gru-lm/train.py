"""Train the GRU language model on the grammar's corpus (seeded, CPU, one thread) and save it at graded steps.

Usage: python3 train.py CORPUS.gz OUTDIR STEP [STEP ...]; writes OUTDIR/step-<N>.pt for each N (0 = initial weights).
1 % of input words are replaced by <unk> so that unknown words get a learned probability.
"""
import gzip
import sys
from pathlib import Path

import torch

from network import BOS, EOS, UNK, GRULanguageModel, words_of

BATCH, LEARNING_RATE, SEED, UNK_RATE = 64, 3e-3, 0, 0.01


def main(corpus: str, out: str, steps: list[int]) -> None:
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    sentences = [words_of(line) for line in gzip.open(corpus, "rt", encoding="utf-8") if line.strip()]
    vocabulary = sorted({w for s in sentences for w in s}) + [BOS, EOS, UNK]
    model = GRULanguageModel(vocabulary)
    optimiser = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    generator = torch.Generator().manual_seed(SEED)
    pad = -100
    Path(out).mkdir(parents=True, exist_ok=True)
    for step in range(max(steps) + 1):
        if step in steps:
            torch.save({"step": step, "vocabulary": vocabulary, "state": model.state_dict()}, Path(out) / f"step-{step}.pt")
        if step == max(steps):
            break
        chosen = torch.randint(len(sentences), (BATCH,), generator=generator).tolist()
        width = max(len(sentences[i]) for i in chosen) + 1
        inputs = torch.full((BATCH, width), model.index[EOS])
        targets = torch.full((BATCH, width), pad)
        for row, i in enumerate(chosen):
            ids = model.ids(sentences[i])
            inputs[row, : len(ids) + 1] = torch.tensor([model.index[BOS], *ids])
            targets[row, : len(ids) + 1] = torch.tensor([*ids, model.index[EOS]])
        dropped = (torch.rand(inputs.shape, generator=generator) < UNK_RATE) & (inputs != model.index[BOS])
        inputs[dropped] = model.index[UNK]
        targets[(targets >= 0) & (torch.rand(targets.shape, generator=generator) < UNK_RATE)] = model.index[UNK]
        log_probs, _ = model(inputs)
        loss = torch.nn.functional.nll_loss(log_probs.reshape(-1, len(vocabulary)), targets.reshape(-1), ignore_index=pad)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 200 == 0:
            print(f"step {step}: loss {loss.item():.3f} nats/word", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]])

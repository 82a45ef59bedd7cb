"""Train the object CNN on the simulated object images (seeded, CPU, one thread) and save it after graded epochs.

Usage: python3 train.py TRAIN.npz OUTDIR EPOCH [EPOCH ...]; writes OUTDIR/epoch-<N>.pt for each N (0 = the seeded
initial weights). Adam (lr 1e-3), batch 32, cross-entropy; the order of the images is reshuffled every epoch.
"""
import sys
import time
from pathlib import Path

import numpy as np
import torch

from network import ObjectCNN, normalise

BATCH, LEARNING_RATE, SEED = 32, 1e-3, 0


def main(data: str, out: str, epochs: list[int]) -> None:
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    saved = np.load(data)
    images, labels = normalise(torch.from_numpy(saved["images"])), torch.from_numpy(saved["labels"].astype(np.int64))
    categories = [str(c) for c in saved["categories"]]
    model = ObjectCNN(len(categories))
    optimiser = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    generator = torch.Generator().manual_seed(SEED)
    Path(out).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for epoch in range(max(epochs) + 1):
        if epoch in epochs:
            torch.save({"epoch": epoch, "categories": categories, "state": model.state_dict()}, Path(out) / f"epoch-{epoch}.pt")
        if epoch == max(epochs):
            break
        model.train()
        total = 0.0
        for batch in torch.randperm(len(labels), generator=generator).split(BATCH):
            loss = torch.nn.functional.cross_entropy(model(images[batch])["logits"], labels[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}: loss {total / len(labels):.3f} ({time.monotonic() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], [int(e) for e in sys.argv[3:]])

"""The GRU language model and its vocabulary: one definition for training (train.py) and use (model.py)."""
import torch
from torch import nn

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
PUNCTUATION = ".,;:!?\"'()"
EMBEDDING, HIDDEN = 48, 96


def words_of(text: str) -> list[str]:
    """Split a text as the contract's next_word task does: whitespace, lower case, punctuation trimmed."""
    return [w for w in (token.lower().strip(PUNCTUATION) for token in text.split()) if w]


class GRULanguageModel(nn.Module):
    """Embedding -> one GRU layer -> linear read-out over the vocabulary; input <s> w1 .. wn, targets w1 .. wn </s>."""

    def __init__(self, vocabulary: list[str]):
        super().__init__()
        self.vocabulary = vocabulary
        self.index = {w: i for i, w in enumerate(vocabulary)}
        self.embed = nn.Embedding(len(vocabulary), EMBEDDING)
        self.gru = nn.GRU(EMBEDDING, HIDDEN, batch_first=True)
        self.out = nn.Linear(HIDDEN, len(vocabulary))

    def ids(self, words: list[str]) -> list[int]:
        return [self.index.get(w, self.index[UNK]) for w in words]

    def forward(self, inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, steps) ids -> log-probabilities (batch, steps, vocabulary) and hidden states (batch, steps, HIDDEN)."""
        states, _ = self.gru(self.embed(inputs))
        return torch.log_softmax(self.out(states), dim=-1), states

    def read(self, words: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """ln p(w_t | w_<t) for each word, and the hidden state after each word."""
        ids = self.ids(words)
        inputs = torch.tensor([[self.index[BOS], *ids[:-1]]])
        log_probs, _ = self(inputs)
        _, states = self(torch.tensor([[self.index[BOS], *ids]]))
        return log_probs[0, torch.arange(len(ids)), torch.tensor(ids)], states[0, 1:]

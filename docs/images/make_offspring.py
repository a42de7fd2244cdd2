"""Draw the README's figure, docs/images/offspring.png: the 'originals and offspring' figure of the
report of `vaeaug experiment` (UJI v1, the writers' split, seed 0), at 80 dpi. About 3 minutes on
2 cores: `python docs/images/make_offspring.py`."""

from pathlib import Path

from vaeaug import VAEAugmenter
from vaeaug.data import load_dataset
from vaeaug.plots import plot_offspring

train, val, _ = load_dataset("ujipen-v1").train_val_test(random_state=0)
aug = VAEAugmenter(random_state=0, verbose=0).fit(train.X, train.y, val.X, val.y)
plot_offspring(aug, train.X, train.y, random_state=0).savefig(
    Path(__file__).with_name("offspring.png"), dpi=80, bbox_inches="tight")

"""The experiment that proves augmentation pays: classifiers trained with and without synthetic
data, comparators (SMOTE, affine), quality metrics and the report.

An optional extra (``pip install "vaeaug[experiment]"``: matplotlib, imbalanced-learn); the core
package never imports it.
"""

from .evaluation import ExperimentConfig, ExperimentInterrupted, run_experiment

__all__ = ["ExperimentConfig", "ExperimentInterrupted", "run_experiment"]

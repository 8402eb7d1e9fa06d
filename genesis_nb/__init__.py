__version__ = "0.1.0"
# The public API, so that `import genesis_nb as gn` reaches it (the modules are generated from nbs/; this file is not).
from .particles import (GenesisConfig, DEFAULTS, GenesisLayer, GenesisConv2d, GenesisLinear, compact_model, fold_model,
                        genesis_layers, stored_params)
from .cnn import standard_cnn, genesis_cnn, fixed_rank_cnn, mlp, lenet5_caffe, count_params, count_macs
from .models import build_model
from .data import load_dataset, make_splits
from .train import fit, evaluate, GenesisCallback, PROTOCOLS, get_protocol
from .compress import serialise, deserialise, int8_model, low_rank_model, magnitude_prune, finish_pruning

__all__ = ['GenesisConfig', 'DEFAULTS', 'GenesisLayer', 'GenesisConv2d', 'GenesisLinear', 'compact_model',
           'fold_model', 'genesis_layers', 'stored_params', 'standard_cnn', 'genesis_cnn', 'fixed_rank_cnn', 'mlp',
           'lenet5_caffe', 'build_model', 'count_params', 'count_macs', 'load_dataset', 'make_splits', 'fit',
           'evaluate', 'GenesisCallback', 'PROTOCOLS', 'get_protocol', 'serialise', 'deserialise', 'int8_model',
           'low_rank_model', 'magnitude_prune', 'finish_pruning']

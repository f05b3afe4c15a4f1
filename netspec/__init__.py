"""netspec: a small language, a static checker and a compiler for convolutional networks.

`netspec check` computes every layer's shape, parameters, MACs, receptive field and training
memory without running anything; `netspec compile` emits a standalone PyTorch module that agrees
with it exactly; `netspec train` trains that module.
"""

__version__ = "0.1.0"

"""GAN Playground: train, watch and explore GANs on MNIST.

The engine (this package minus `ui/`) knows nothing of the browser app and never imports gradio.
"""

__version__ = "0.1.0"

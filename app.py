"""GAN Playground: `python app.py` serves the page (also the Hugging Face Spaces entry point)."""

from ganplayground.ui.app import build_demo, launch

demo = build_demo()

if __name__ == "__main__":
    launch(demo)

"""The page: the only part of the package that imports gradio. app.py assembles it from tabs/, server/ and widgets/."""

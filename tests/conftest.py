"""Shared test plugins: `excalidraw` (the real Excalidraw and Mermaid in headless Chromium)."""

pytest_plugins = ["tests.browser.harness"]

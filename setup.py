"""Ships the top-level checkpoints/ inside the wheel as roadmap_coach/checkpoints, and the
lesson pages (docs/rules/*.md) as roadmap_coach/lesson_pages, so lesson links open offline."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCheckpoints(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "roadmap_coach" / "checkpoints"
        target.mkdir(parents=True, exist_ok=True)
        for toml in sorted((Path(__file__).parent / "checkpoints").glob("*.toml")):
            shutil.copy2(toml, target / toml.name)
        pages = Path(self.build_lib) / "roadmap_coach" / "lesson_pages"
        pages.mkdir(parents=True, exist_ok=True)
        for page in sorted((Path(__file__).parent / "docs" / "rules").glob("RC*.md")):
            shutil.copy2(page, pages / page.name)


setup(cmdclass={"build_py": BuildWithCheckpoints})

from roadmap_coach.cli import main

raise SystemExit(main())

from lpctl.cli import main

main()

from lpctl.entry import main

main()

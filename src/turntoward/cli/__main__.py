from turntoward.cli import main

main()

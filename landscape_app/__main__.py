from .cli import main

# guarded: Dask's worker processes are spawned, and a spawned process imports the main module
if __name__ == "__main__":
    main()

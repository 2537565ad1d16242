using Discovery.Silo.Hosting;

// Help, `db init`, or run the silos of this process: see Hosting/SiloProgram.cs.
return await SiloProgram.RunAsync(args);

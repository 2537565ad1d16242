using Discovery.Emulate;

// discovery-emulate: the pieces of deployment/emulate/emulate.sh that are better written in C#.
//   plan   --name N --topology FILE (--sites a,b,c | --count N) [--rate-mbps R] [--rate-scale F] [--delay-scale S] [--nodes K] --out DIR
//   wan    --plan DIR/backbone.json [--ready FILE]      the delaying relay (run in the hub namespace)
//   coords --plan DIR/backbone.json [--wait SECONDS] [--max-error E]   Vivaldi estimates beside the emulated RTTs
//   rtt    --targets host:port,… [--count N]          median TCP handshake time from this namespace
try
{
    var arguments = Arguments.Parse(args.Skip(1));
    return args.FirstOrDefault() switch
    {
        "plan" => PlanCommand.Run(arguments),
        "wan" => WanCommand.Run(arguments),
        "coords" => await CoordinatesCommand.RunAsync(arguments),
        "rtt" => await RttCommand.RunAsync(arguments),
        _ => Usage(),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"discovery-emulate: {e.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: discovery-emulate plan|wan|coords [options] (see deployment/emulate/README.md)");
    return 2;
}

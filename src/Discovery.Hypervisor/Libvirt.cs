using System.Runtime.InteropServices;
using Discovery.Hypervisor.Native;

namespace Discovery.Hypervisor;

/// <summary>Process-wide libvirt set-up and error translation.</summary>
public static unsafe class Libvirt
{
    private static readonly Lazy<string?> LoadProblem = new(Initialize);

    /// <summary>Null when libvirt.so.0 is loaded and initialised, otherwise why not (e.g. libvirt0 is not installed).</summary>
    public static string? Unavailable => LoadProblem.Value;

    internal static void EnsureInitialized()
    {
        if (LoadProblem.Value is { } problem)
            throw new LibvirtException(LibvirtErrorCode.InternalError, 0, problem);
    }

    private static string? Initialize()
    {
        try
        {
            if (LibvirtNative.virInitialize() < 0)
                return "virInitialize failed";
            LibvirtNative.virSetErrorFunc(0, &LibvirtNative.IgnoreError);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return $"libvirt.so.0 cannot be loaded ({e.Message}): install Debian's libvirt0";
        }
    }

    /// <summary>Throws the error libvirt recorded for this thread's last failed call.</summary>
    internal static LibvirtException LastError(string what)
    {
        var error = LibvirtNative.virGetLastError();
        if (error == 0)
            return new LibvirtException(LibvirtErrorCode.InternalError, 0, $"{what} failed without a libvirt error");
        var head = Marshal.PtrToStructure<LibvirtNative.VirErrorHead>(error);
        var message = LibvirtNative.ReadString(head.Message) ?? $"{what} failed";
        LibvirtNative.virResetLastError();
        return new LibvirtException((LibvirtErrorCode)head.Code, head.Domain, message);
    }

    internal static void Check(int result, string what)
    {
        if (result < 0)
            throw LastError(what);
    }

    internal static T Check<T>(T handle, string what) where T : SafeHandle
    {
        if (!handle.IsInvalid)
            return handle;
        handle.Dispose();
        throw LastError(what);
    }
}

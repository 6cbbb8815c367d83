import Testing
import HeapModel
import HeapSemantics
import HeapSyntax

/// The structured interpreter with the frame domain (issue 25, step 2): which locals still lead back to
/// their frame when it ends, path by path. Each case is a shape the old syntactic search got wrong or got
/// right only by luck ("a later `del` anywhere releases"); CPython behaves as each expectation says
/// (HL103's examples, which run under the oracle, hold the same shapes).
@Suite struct FrameInterpreterTests {
    /// (1-based line, local, kind) of each retention the model reports.
    func retentions(_ text: String) -> [String] {
        let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
        return heap.frameRetentions.map { "\($0.line + 1) \($0.localName) \($0.kind.rawValue)" }
    }

    @Test func releasedOnOneBranchOnlyIsStillHeldOnTheOther() {
        #expect(retentions("""
            def f(task, quiet):
                try:
                    task()
                except Exception as exc:
                    err = exc
                if quiet:
                    del err
                    return None
                return str(err)
            """) == ["5 err exception"])
    }

    @Test func finallyReleasesOnEveryPath() {
        #expect(retentions("""
            import inspect
            def f(flag):
                frame = inspect.currentframe()
                try:
                    if flag:
                        return frame.f_lineno
                    raise ValueError(flag)
                finally:
                    del frame
            """) == [])
    }

    @Test func theExceptNameItselfIsDeletedByCPython() {
        #expect(retentions("""
            def f(task):
                try:
                    task()
                except Exception as exc:
                    print(exc)
                    return exc.args
            """) == [])
    }

    @Test func walkingTheTracebackToNoneReleasesIt() {
        #expect(retentions("""
            def f(task):
                try:
                    task()
                except Exception as exc:
                    tb = exc.__traceback__
                    while tb is not None:
                        print(tb.tb_lineno)
                        tb = tb.tb_next
            """) == [])
        // One step down still reaches this frame: the deeper frame's f_back is this one.
        #expect(retentions("""
            def f(task):
                try:
                    task()
                except Exception as exc:
                    tb = exc.__traceback__
                    tb = tb.tb_next
                    return tb is None
            """) == ["6 tb traceback"])
    }

    @Test func aStoreInsideALoopReachesTheExitThroughTheFixpoint() {
        #expect(retentions("""
            def f(lines):
                last = None
                for line in lines:
                    try:
                        int(line)
                    except ValueError as exc:
                        last = exc
                        continue
                    last = None
                return last is not None
            """) == ["7 last exception"])
    }

    @Test func aNoneTestNarrowsTheBranchThatDoesNotDelete() {
        #expect(retentions("""
            def f(task):
                err = None
                try:
                    task()
                except Exception as exc:
                    err = exc
                if err is not None:
                    print(err)
                    del err
            """) == [])
    }

    @Test func containersMadeHereHoldWhatIsPutInThem() {
        #expect(retentions("""
            def f(tasks):
                failures = []
                for task in tasks:
                    try:
                        task()
                    except Exception as exc:
                        failures.append(exc)
                first = None
                try:
                    tasks[0]()
                except Exception as exc:
                    first = [exc]
                return len(failures), first
            """) == ["7 failures exceptionInContainer", "12 first exceptionInContainer"])
        #expect(retentions("""
            def f(tasks):
                failures = []
                for task in tasks:
                    try:
                        task()
                    except Exception as exc:
                        failures.append(exc)
                count = len(failures)
                failures.clear()
                return count
            """) == [])
    }

    @Test func excInfoUnpackingIsOneFindingAtTheStatement() {
        #expect(retentions("""
            import sys
            def f(task):
                try:
                    task()
                except Exception:
                    kind, value, tb = sys.exc_info()
                    return kind
            """) == ["6 value excInfo"])
        #expect(retentions("""
            import sys
            def f(task):
                try:
                    task()
                except Exception:
                    kind = sys.exc_info()[0]
                    current = sys.exception()
                    return kind, current
            """) == ["7 current exception"])
    }

    @Test func breakingOutOfTheLoopStillPassesTheReleaseAfterIt() {
        #expect(retentions("""
            def f(tasks):
                err = None
                for task in tasks:
                    try:
                        task()
                    except Exception as exc:
                        err = exc
                        break
                message = str(err)
                err = None
                return message
            """) == [])
    }

    @Test func aGlobalIsNotASlotOfTheFrame() {
        #expect(retentions("""
            last = None
            def f(task):
                global last
                try:
                    task()
                except Exception as exc:
                    last = exc
            """) == [])
    }

    /// (1-based line, holder, root local) of each raise whose exception a local still keeps at a frame exit.
    func raised(_ text: String) -> [String] {
        let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
        return heap.frameCycles.filter { $0.kind == .raisedFromLocal }.map { "\($0.line + 1) \($0.holder) \($0.rootLocal)" }
    }

    @Test func aRaiseCaughtInItsOwnFrameStillTiesTheLocal() {
        // The traceback entry is added when the exception is raised, whoever catches it.
        #expect(raised("""
            def f(value):
                err = ValueError(value)
                try:
                    raise err
                except ValueError:
                    pass
                return value
            """) == ["4 err err"])
    }

    @Test func aRebindingOnAnotherBranchDoesNotReleaseTheRaise() {
        #expect(raised("""
            def f(actions, debugging):
                if debugging:
                    try:
                        exc = RuntimeError("failed")
                        raise exc
                    except Exception:
                        raise
                else:
                    exc = None
            """) == ["5 exc exc"])
    }

    @Test func emptyingTheListDropsTheRaisedItem() {
        #expect(raised("""
            def f(errors):
                errors.append(ValueError())
                try:
                    raise errors[0]
                finally:
                    errors.clear()
            """) == [])
        #expect(raised("""
            def f(errors):
                errors.append(ValueError())
                raise errors[0]
            """) == ["3 errors[0] errors"])
    }

    @Test func exceptCatchesAnExplicitRaiseThatDropsTheName() {
        #expect(raised("""
            def f(e):
                try:
                    raise e
                except Exception:
                    del e
                    raise
            """) == [])
    }

    @Test func aRebindingOnOneBranchLeavesTheCaughtExceptionOnTheOther() {
        // asyncio's `_sock_sendfile_native_impl`: `exc` is replaced only when the connection was closed
        // mid-way; otherwise the caught exception itself is stored in the future the frame holds. A later
        // handler's own `as exc` is the caught exception again, whatever an earlier handler rebound.
        let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText("""
            def f(fut, registered, work):
                try:
                    work()
                except OSError as exc:
                    if registered:
                        exc = ConnectionError("closed")
                    fut.set_exception(exc)
                except BaseException as exc:
                    fut.set_exception(exc)
            """))))
        let stored = heap.frameCycles.filter { $0.kind == .exceptionStored }.map { "\($0.line + 1) \($0.holder)" }
        #expect(stored == ["7 fut", "9 fut"])
    }

    /// (1-based line, holder, what is stored) of each store of a frame-tied object on an object a local reaches.
    func stored(_ text: String) -> [String] {
        let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
        return heap.frameCycles.filter { $0.kind == .exceptionStored }
            .map { "\($0.line + 1) \($0.holder) \($0.stored.map(\.rawValue) ?? "-")" }
    }

    @Test func aLocalCopyOfExcInfoIsStoredWithItsTraceback() {
        // unittest's `_Outcome.testPartExecutor`: the tuple keeps the traceback whose first entry is this
        // frame, and the frame keeps `self`; clearing the local afterwards does not clear the attribute.
        #expect(stored("""
            import sys
            class Outcome:
                def run(self, work):
                    try:
                        work()
                    except:
                        exc_info = sys.exc_info()
                        self.expected = exc_info
                        exc_info = None
            """) == ["8 self.expected excInfo"])
    }

    @Test func partsOfALocalExcInfoAreTheExceptionAndItsTraceback() {
        #expect(stored("""
            import sys
            class Job:
                def run(self, work):
                    try:
                        work()
                    except Exception:
                        info = sys.exc_info()
                        self.kind = info[0]
                        self.error = info[1]
                        self.tb = info[2]
            """) == ["9 self.error exception", "10 self.tb traceback"])
    }

    @Test func aLocalReboundBeforeTheStoreHoldsNothing() {
        #expect(stored("""
            import sys
            class Job:
                def run(self, work):
                    try:
                        work()
                    except Exception:
                        info = sys.exc_info()
                        info = str(info[1])
                        self.error = info
            """) == [])
    }

    @Test func aListFilledWithCaughtExceptionsIsRaisedFrom() {
        // Whether `found` holds exceptions is the interpreter's answer at the `append`, not its name.
        #expect(raised("""
            def f(paths, opener):
                found = []
                for path in paths:
                    try:
                        return opener(path)
                    except OSError as e:
                        found.append(e)
                raise found[0]
            """) == ["8 found[0] found"])
        #expect(raised("""
            def f(paths, opener):
                found = []
                for path in paths:
                    try:
                        return opener(path)
                    except OSError as e:
                        found.append(str(e))
                raise found[0]
            """) == [])
    }

    @Test func aStoreWhereIsinstanceSaidNoExceptionStoresNone() {
        // moto's step-functions callback: the caught exception is raised on the `isinstance` branch; the
        // `else` stores only what is not an Exception instance. A narrower class rules out nothing else.
        #expect(stored("""
            class Task:
                def run(self, work):
                    try:
                        outcome = work()
                    except Exception as error:
                        outcome = error
                    if isinstance(outcome, Exception):
                        raise outcome
                    else:
                        self.stack.append(outcome)
                    if not isinstance(outcome, (KeyError, Exception)):
                        self.last = outcome
            """) == [])
        #expect(stored("""
            class Task:
                def run(self, work):
                    try:
                        outcome = work()
                    except Exception as error:
                        outcome = error
                    if not isinstance(outcome, KeyError):
                        self.last = outcome
            """) == ["8 self.last exception"])
    }

    @Test func whatExitReceivesLeadsToTheWithBlocksFrame() {
        // CPython passes the exception leaving the `with` block and its traceback as `__exit__`'s third and
        // fourth arguments, whatever their names; their traceback starts at the frame that ran the block.
        let text = """
            class Guard:
                def __exit__(self, kind, error, trace):
                    if error is None:
                        return False
                    last = error
                    self.error = last
                    self.trace = trace
                    seen = [error]
                    return False
            """
        let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
        let stored = heap.frameCycles.filter { $0.kind == .exceptionStored }
            .map { "\($0.line + 1) \($0.holder) \($0.stored.map(\.rawValue) ?? "-") \($0.throughWithBlock)" }
        #expect(stored == ["6 self.error exception true", "7 self.trace traceback true"])
        // `__exit__`'s own locals keep another frame's exception: no cycle through `__exit__`'s frame.
        #expect(retentions(text) == [])
    }

    @Test func aStoreUndoneOnEveryPathBeforeTheFrameEndsIsNoCycle() {
        // `self.err = None` after the store on the way out, and `del self.err` in a `finally`: no path
        // ends the frame with the exception on `self`.
        #expect(stored("""
            class Worker:
                def run(self, task):
                    try:
                        task()
                    except Exception as e:
                        self.err = e
                        self.report()
                        self.err = None

                def again(self, task):
                    try:
                        task()
                    except Exception as e:
                        self.err = e
                        self.report()
                    finally:
                        del self.err

                def third(self, task):
                    # asyncio's TaskGroup: the list is non-empty after the append, so the `if` runs and its
                    # `finally` drops the list; where it is tested false it holds nothing.
                    try:
                        task()
                    except Exception as e:
                        self.errors.append(e)
                    if self.errors:
                        try:
                            raise ExceptionGroup("errors", self.errors)
                        finally:
                            self.errors = None
            """) == [])
    }

    @Test func aStoreUndoneOnSomePathsOnlyIsStillACycle() {
        // The `return` leaves the frame with `self.err` set: a later `self.err = None` on the other path
        // does not break that cycle (the old search took any later release in the function).
        #expect(stored("""
            class Worker:
                def run(self, task, quiet):
                    try:
                        task()
                    except Exception as e:
                        self.err = e
                        if quiet:
                            return
                    self.err = None

                def again(self, task, fatal):
                    try:
                        task()
                    except Exception as e:
                        self.errors.append(e)
                        if fatal:
                            raise
                        self.errors.clear()
            """) == ["6 self.err exception", "15 self.errors exception"])
    }
    /// (1-based line, kind) of each frame cycle the model reports.
    func frameCycles(_ text: String) -> [String] {
        let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
        return heap.frameCycles.map { "\($0.line + 1) \($0.kind.rawValue)" }
    }

    @Test func clearingTheTracebackAfterTheStoreKillsTheEdgeOnThatPathOnly() {
        // CPython: the exception stored on `self` leads back to the frame only while its `__traceback__`
        // is set; `quiet` clears it on one path, the other path keeps the cycle.
        #expect(frameCycles("""
            class A:
                def run(self, job, quiet):
                    try:
                        job()
                    except ValueError as err:
                        self.error = err
                        if quiet:
                            err.__traceback__ = None
            """) == ["6 exceptionStored"])
        #expect(frameCycles("""
            class A:
                def run(self, job):
                    try:
                        job()
                    except ValueError as err:
                        self.error = err
                        err.__traceback__ = None
            """) == [])
    }

    @Test func aTracebackClearedInOneHandlerDoesNotClearTheNextCatch() {
        #expect(frameCycles("""
            class A:
                def run(self, job):
                    try:
                        job()
                    except ValueError as err:
                        err = err.with_traceback(None)
                        self.first = err
                    try:
                        job()
                    except ValueError as again:
                        self.second = again
            """) == ["11 exceptionStored"])
    }

    @Test func aHeldExceptionWithItsTracebackClearedIsNoRetention() {
        #expect(retentions("""
            def f(jobs):
                fatals = []
                for job in jobs:
                    try:
                        job()
                    except ValueError as exc:
                        exc.__traceback__ = None
                        fatals.append(exc)
                return fatals
            """) == [])
    }

    @Test func aGeneratorIsKilledByTheStoringPathOrTheClassLifecycleNotByAnotherClass() {
        #expect(frameCycles("""
            class Other:
                def close(self):
                    self._it.close()

            class A:
                def __init__(self):
                    it = self._gen()
                    self._it = it

                def _gen(self):
                    yield 1
            """) == ["8 generatorStored"])
        #expect(frameCycles("""
            class A:
                def __init__(self):
                    self._it = self._gen()

                def _gen(self):
                    yield 1

                def shutdown(self):
                    self._it = None
            """) == [])
        #expect(frameCycles("""
            class A:
                def total(self):
                    self._it = self._gen()
                    try:
                        return sum(self._it)
                    finally:
                        self._it.close()

                def _gen(self):
                    yield 1
            """) == [])
    }
}

extension SelfReferentialStructure {
    static let examples: [RuleExample] = [
        .triggering("""
            def make_items():
                items = [1, 2, 3]
                ↓items.append(items)


            make_items()

            """),
        .triggering("""
            def make_config():
                config = {"name": "app"}
                ↓config["self"] = config


            make_config()

            """),
        .triggering("""
            def make_pair():
                left = []
                right = [left]
                ↓left.append(right)


            make_pair()

            """),
        .triggering("""
            class Node:
                def __init__(self, value):
                    self.value = value
                    self.prev = None
                    self.next = None


            class LinkedList:
                def __init__(self):
                    self.head = None
                    self.tail = None

                def append(self, value):
                    node = Node(value)
                    if self.tail is None:
                        self.head = self.tail = node
                    else:
                        node.prev = self.tail
                        ↓self.tail.next = node
                        self.tail = node


            chain = LinkedList()
            chain.append(1)
            chain.append(2)

            """),
        .triggering("""
            def make_table():
                row = {"id": 1}
                table = [row]
                ↓row["table"] = table


            make_table()

            """),
        .triggering("""
            class Node:
                def __init__(self, value):
                    self.value = value
                    self.next = None
                    self.prev = None


            def link_nodes():
                first = Node(1)
                second = Node(2)
                first.next = second
                ↓second.prev = first


            link_nodes()

            """),
        .triggering("""
            from collections import deque

            def make_history():
                history = deque(maxlen=10)
                ↓history.append(history)


            make_history()

            """),
        .nonTriggering("""
            items = [1, 2]
            items.append(list(items))

            """),
        .nonTriggering("""
            items = [1, 2]
            items.extend(items)

            """),
        .nonTriggering("""
            class Node:
                def __init__(self, value, next=None):
                    self.value = value
                    self.next = next


            first = Node(1)
            first.next = Node(2)

            """),
        .nonTriggering("""
            import weakref


            class Node:
                def __init__(self, value):
                    self.value = value
                    self.next = None
                    self._prev = None

                @property
                def prev(self):
                    return self._prev() if self._prev is not None else None


            first = Node(1)
            second = Node(2)
            first.next = second
            second._prev = weakref.ref(first)

            """),
        .nonTriggering("""
            class Node:
                def __init__(self, value):
                    self.value = value
                    self.prev = None
                    self.next = None


            def link(a, b):
                a.next = b
                b.prev = a


            def unlink(a, b):
                a.next = None
                b.prev = None


            first, second = Node(1), Node(2)
            link(first, second)
            unlink(first, second)

            """),
        .nonTriggering("""
            row = [0, 0]
            table = [row, row]
            grid = [[0] * 3 for _ in range(3)]

            """),
        .nonTriggering("""
            config = {"name": "app"}
            config["copy"] = dict(config)

            """),
    ]
}

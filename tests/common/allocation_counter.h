// Counting heap allocations in tests (CONVENTIONS: zero allocations per
// decision after warm-up). allocation_counter.cc replaces every form of
// operator new and delete (plain, array, sized, aligned, nothrow), so the
// suite also runs under AddressSanitizer without new/delete mismatches.
//
//   allot::testing::AllocationWindow window;   // counts from here
//   Decide(...);
//   EXPECT_EQ(window.Stop(), 0);
//
// Under ThreadSanitizer (whose runtime owns operator new) the replacement is
// left out: ALLOT_COUNT_ALLOCATIONS is 0 and the counting tests are not
// compiled, while every other test runs.
#ifndef ALLOT_TESTS_COMMON_ALLOCATION_COUNTER_H_
#define ALLOT_TESTS_COMMON_ALLOCATION_COUNTER_H_

#ifndef ALLOT_COUNT_ALLOCATIONS
#define ALLOT_COUNT_ALLOCATIONS 1
#endif

namespace allot::testing {

// Counts the operator new calls of every thread while it is open.
class AllocationWindow {
 public:
  AllocationWindow();
  ~AllocationWindow();
  AllocationWindow(const AllocationWindow&) = delete;
  AllocationWindow& operator=(const AllocationWindow&) = delete;
  // Closes the window; returns the allocations counted in it.
  long Stop();

 private:
  bool open_ = true;
};

}  // namespace allot::testing

#endif  // ALLOT_TESTS_COMMON_ALLOCATION_COUNTER_H_
